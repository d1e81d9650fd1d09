"""Demo data of the consumer side: applications with their parts (seed) and the analytics
events those applications would have sent (analytics)."""
