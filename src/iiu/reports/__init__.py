"""Documents the office files: sentence-justification memos (``memo``), audit and transparency reports."""
