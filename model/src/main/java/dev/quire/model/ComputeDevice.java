package dev.quire.model;

/** Where a model runs: {@code AUTO} picks CUDA when libtorch sees a GPU, else the CPU. */
public enum ComputeDevice { AUTO, CPU, CUDA }
