"""The exercise library read model (`library.exercises`)."""
