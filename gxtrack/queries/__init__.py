"""Read-side queries over the projections, shared by the API, pages, jobs and CLI."""
