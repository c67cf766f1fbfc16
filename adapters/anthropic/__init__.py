"""Claude through the official `anthropic` SDK, behind the `CoachModel` port."""
