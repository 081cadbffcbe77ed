"""The home page: what needs each role's attention today (csm.py for a CSM's accounts,
queues.py for the support managers', support ops' and admins' sections)."""
