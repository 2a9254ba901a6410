"""The mock bank: core-banking (two data centres), payments, clearing and the mobile API."""
