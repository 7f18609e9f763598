"""The Share page: the link, the report, the downloads."""
