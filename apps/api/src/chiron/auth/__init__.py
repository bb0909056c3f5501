"""API keys, service tokens, the Clerk-style exchange and the Authenticator dependency."""
