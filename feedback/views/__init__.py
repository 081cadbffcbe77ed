"""Feedback pages: the queue and forwarding (queue.py), one item and its actions (item.py),
satisfaction ratings (ratings.py), the review rotation (rotation.py) and the "Before the
cadence call" page (cadence.py)."""
