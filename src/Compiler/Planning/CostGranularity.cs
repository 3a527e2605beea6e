namespace OnnxCoDesign.Compiler.Planning;

/// <summary>
/// What the roofline times: the kernels the device's runtime launches (default; DESIGN.md), or every ONNX node on
/// its own with its own traffic and overhead (the model before kernels, kept for comparison).
/// </summary>
public enum CostGranularity { Kernel, Node }
