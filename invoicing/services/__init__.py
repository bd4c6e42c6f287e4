"""Writes of invoicing, split by subject: numbering, invoices, credit notes, euro trail, earnings."""
