/**
 * Tests of the container image that Jib builds ({@code ./mvnw -Psystem verify} builds it as a tar on an
 * empty base image, since no registry and no Docker engine are reachable here). They unpack the image's
 * layers and run its entrypoint with this machine's JDK standing in for the base image's, so they prove
 * the image's contents (class path, main class, JVM flags, default arguments), not the base image.
 */
package io.raftlite.image;
