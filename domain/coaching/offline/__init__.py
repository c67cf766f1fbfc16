"""The offline coach's pure parts: what a message asks (`topics`), our answers to the common questions
(`knowledge`), and workouts and swaps built from library exercises (`workouts`)."""
