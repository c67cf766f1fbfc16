"""The pure core: one package per aggregate (`plans`, `users`), with what they share at this root (the
event codec base, domain errors, safe text). No I/O, no clock, no id generation, no framework."""
