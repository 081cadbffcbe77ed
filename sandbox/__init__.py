"""Local Zendesk + Salesforce API emulator over real HTTPS (demo, tests, benchmarks).

The core (``config``, ``data``, ``server``, ...) needs no Django settings; the management
commands ``sandbox`` and ``sandbox_ticket`` and the pytest plugin ``sandbox.testing`` sit on
top of it. See docs/sandbox.md.
"""
