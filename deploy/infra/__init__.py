"""Credit Genie's AWS infrastructure as a CDK app (deploy/README.md)."""
