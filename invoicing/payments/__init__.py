"""Getting paid (Stripe Checkout, webhooks, bank transfers, reminders) and paying out (SEPA batches)."""
