//! Throughput of the proxy against nginx proxying the same upstream in the same run.
