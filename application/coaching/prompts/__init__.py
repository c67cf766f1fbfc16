"""The coach's prompts, one small reviewed file each: the rules every personality shares (`rules`) and
each personality's voice. A change here changes what every user is told: review it."""
