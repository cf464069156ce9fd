"""Who may do what: accounts, logging in, and the store as an account may use it.

Stands beside ``core`` and imports only it; the rooms above may import it.
"""
