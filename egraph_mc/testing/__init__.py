"""The testing kit shared by tests/ and bench/: random data and finite differences (`numeric`), the
corpus of losses with their best known gradients (`corpus`), random losses for hypothesis
(`strategies`), the fuzzing oracle (`oracle`) and an independent FLOP count of printed text
(`flopcount`). Nothing here is needed to compute a gradient; `strategies` needs hypothesis."""
