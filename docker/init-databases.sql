-- One database per node; each node migrates its own schema on start.
CREATE DATABASE supervision_610000;
CREATE DATABASE supervision_610200;
CREATE DATABASE supervision_610203;
