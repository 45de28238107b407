"""Topic alerts: parsing topics, matching new articles to them, grouping stories."""
