"""Hours: members register the hours of a shift; businesses approve, correct or mark them not done."""
