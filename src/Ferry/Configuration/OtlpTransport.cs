namespace Ferry.Configuration;

/// <summary>Operations:OtlpProtocol: how metrics and traces reach the OpenTelemetry collector.</summary>
internal enum OtlpTransport
{
    /// <summary>OTLP over gRPC (the collector's port 4317).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (the collector's port 4318; /v1/metrics and /v1/traces are added to the endpoint).</summary>
    HttpProtobuf,
}
