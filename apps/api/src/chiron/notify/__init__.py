"""Reaching people who are not watching: signed webhooks and Alertmanager, from an outbox."""
