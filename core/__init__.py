"""What every package shares: the error hierarchy and the stored value types."""
