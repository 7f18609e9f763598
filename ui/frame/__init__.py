"""The frame every page shares: the sidebar, session state, common widgets."""
