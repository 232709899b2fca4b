"""In-app notifications: stall alerts, 督办 and replies, for the people they concern."""
