//! Distributed training through the facade, with ranks as threads (`InProcess`, the bits MPI
//! gives): shard files or row ranges of one file, the pipeline fitted on every rank's rows, the
//! single process's split, and the same classifier and metrics as one process fitting all the
//! rows; shard errors name the rank, the file and the column.

mod common;
mod csv_shards;
mod libsvm;
mod multiclass;
mod parquet;
mod weights;
