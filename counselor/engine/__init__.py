"""The counselor-side engine: DMP maths, eligibility, options, fees, creditor terms. Pure Python."""
