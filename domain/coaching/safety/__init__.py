"""The safety layer's pure parts: what in a user's message calls for caution (`signals`, `checker`),
and the replies we write when the coach must not answer as usual (`replies`)."""
