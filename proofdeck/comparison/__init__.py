"""Rule versus model: same budget, gains, agreement, segments, sensitivity, stability, A/B sizing."""
