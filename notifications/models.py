"""New-ticket notifications (see the notifications issue)."""
