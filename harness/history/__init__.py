"""What a run records and every checker reads: samples, exports, bank state, the run record."""
