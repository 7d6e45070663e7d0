"""Who may use lianfang and what they did: accounts, tokens, sessions, the audit log."""
