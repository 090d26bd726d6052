"""What every area's pages share: calls to the services, forms, tables, files, charts and the navigation."""
