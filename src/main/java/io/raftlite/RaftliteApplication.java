package io.raftlite;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class RaftliteApplication {
    public static void main(String[] args) {
        SpringApplication.run(RaftliteApplication.class, args);
    }
}
