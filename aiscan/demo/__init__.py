"""`aiscan demo`: an in-process AWS emulation (`emulator`) and the example estate (`estate`).

Needs the ``demo`` extra (moto with its server); nothing here is imported by a normal scan.
"""
