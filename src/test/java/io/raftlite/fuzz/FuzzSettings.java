package io.raftlite.fuzz;

/**
 * How much to fuzz, from system properties: {@code fuzz.seed} (a number, or {@code random} for a
 * seed from the clock; default fixed, so that CI runs are reproducible), {@code fuzz.iterations}
 * (random cases against one node), {@code fuzz.long=true} (a long run: many more cases and a clock
 * seed unless one is given) and {@code fuzz.case} (replay only that case of the seed).
 */
record FuzzSettings(long seed, int iterations, Integer onlyCase) {
    static final long DEFAULT_SEED = 20_261_124L;

    /** {@code defaultIterations} is the CI-sized run; a long run is {@code longIterations}. */
    static FuzzSettings fromSystemProperties(int defaultIterations, int longIterations) {
        boolean longRun = Boolean.getBoolean("fuzz.long");
        String seedText = System.getProperty("fuzz.seed", longRun ? "random" : Long.toString(DEFAULT_SEED));
        long seed = seedText.equals("random") ? System.currentTimeMillis() : Long.parseLong(seedText.trim());
        int iterations = Integer.getInteger("fuzz.iterations", longRun ? longIterations : defaultIterations);
        Integer only = Integer.getInteger("fuzz.case");
        return new FuzzSettings(seed, iterations, only);
    }

    String describe() {
        return "seed " + seed + " (-Dfuzz.seed=" + seed + "), " + iterations + " cases"
                + (onlyCase == null ? "" : ", only case " + onlyCase);
    }
}
