"""The AI coach's application side: the `CoachModel` port and the services that run a conversation."""
