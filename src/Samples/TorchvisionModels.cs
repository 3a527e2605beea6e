using Onnx;

namespace OnnxCoDesign.Samples;

/// <summary>
/// The torchvision classifiers the samples build, by their torchvision.models name ("resnet18", "vgg16"),
/// at 1×3×224×224 with BN folded: what published benchmarks such as torch2trt's run.
/// </summary>
public static class TorchvisionModels
{
    public static IReadOnlyList<string> Names { get; } =
        ["alexnet", "mobilenet_v2", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "vgg11", "vgg13", "vgg16", "vgg19"];

    /// <summary>A model by torchvision name; throws listing the names when unknown.</summary>
    public static ModelProto ByName(string name, SampleOptions? options = null) => name switch
    {
        "alexnet" => AlexNet.Build(options),
        "mobilenet_v2" => MobileNetV2.Build(options),
        "vgg11" => Vgg.Build(VggLayout.Vgg11, options),
        "vgg13" => Vgg.Build(VggLayout.Vgg13, options),
        "vgg16" => Vgg.Build(VggLayout.Vgg16, options),
        "vgg19" => Vgg.Build(VggLayout.Vgg19, options),
        _ when ResNetLayout.All.FirstOrDefault(l => l.Name == name) is { } layout => ResNets.Build(layout, options),
        _ => throw new ArgumentException($"unknown torchvision model '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
