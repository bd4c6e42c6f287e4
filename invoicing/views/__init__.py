"""Pages of invoicing, split by portal: business, office (coordinators and board), member."""
