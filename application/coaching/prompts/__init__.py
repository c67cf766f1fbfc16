"""The coach's prompts, one small reviewed file each: the rules every personality shares (`rules`) and
each personality's voice and sampling temperature (0 to 1: the higher, the more varied the wording). A
change here changes what every user is told: review it."""
