"""Plaid: bank accounts, balances, transactions, liabilities, identity and bank income."""
