"""The consumer-side engine: money, budget ratios, IRS standards. Pure Python, no Django."""
