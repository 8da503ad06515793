"""Transfer learning and fine-tuning (course §7.2, §8, §9.13–§9.14)."""
