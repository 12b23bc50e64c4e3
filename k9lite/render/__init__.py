"""Rich renderables and text shared by the TUI and the command line."""
