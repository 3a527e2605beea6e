namespace OnnxCoDesign.Passes.Diagnostics;

/// <summary>
/// Stable error codes. A code, once published, keeps its meaning: the CLI prints it, the MSBuild task
/// maps it to a diagnostic and users grep their logs for it. Add new codes; never renumber.
/// </summary>
public static class ErrorCodes
{
    // Reading the model file.
    public const string FileNotFound = "OCD1001";
    public const string EmptyFile = "OCD1002";
    public const string NotOnnx = "OCD1003";
    public const string Truncated = "OCD1004";
    public const string FileUnreadable = "OCD1005";
    public const string TensorDataSize = "OCD1006";

    // Any file the tool reads (model, device or host profile, plan.json, response file): opened once, checked on its handle.
    public const string FileNotRegular = "OCD1007";
    public const string FileTooLarge = "OCD1008";
    public const string ModelNestingTooDeep = "OCD1009";

    // External data (tensor bytes stored beside the model).
    public const string ExternalDataAbsolutePath = "OCD1101";
    public const string ExternalDataEscapes = "OCD1102";
    public const string ExternalDataLink = "OCD1103";
    public const string ExternalDataUnknownKey = "OCD1104";
    public const string ExternalDataRange = "OCD1105";
    public const string ExternalDataMissing = "OCD1106";
    public const string ExternalDataMalformed = "OCD1107";

    // Graph structure.
    public const string Cycle = "OCD1201";
    public const string UndefinedInput = "OCD1202";
    public const string DuplicateDefinition = "OCD1203";
    public const string OutputNotProduced = "OCD1204";
    public const string MissingGraph = "OCD1205";

    // What ONNX's checker and ONNX Runtime refuse, checked at load (src/Passes/Checking). A typed-data count
    // that does not match the dims is OCD1006, like a raw_data size that does not.
    public const string OpsetUnsupported = "OCD1206";
    public const string TensorTypeInvalid = "OCD1207";
    public const string TensorDataConflict = "OCD1208";
    public const string TensorDimsInvalid = "OCD1209";
    public const string ValueTypeMissing = "OCD1210";
    public const string TypeMismatch = "OCD1211";
    public const string NodeArity = "OCD1212";
    public const string RequiredInputMissing = "OCD1213";
    public const string AttributeMissing = "OCD1214";
    public const string AttributeType = "OCD1215";
    public const string ParameterShape = "OCD1216";
    public const string DeclaredShapeMismatch = "OCD1217";
    public const string ElementTypeUnsupported = "OCD1218";
    public const string GraphEmpty = "OCD1219";
    public const string NodeNameRepeated = "OCD1220";
    public const string AttributeRepeated = "OCD1221";
    public const string AttributeUnknown = "OCD1222";

    // Shapes and types.
    public const string UnknownOperatorShapeNeeded = "OCD1301";
    public const string ShapeMismatch = "OCD1302";
    public const string UnsupportedAttribute = "OCD1303";
    public const string ShapeOptionMalformed = "OCD1304";
    public const string ShapeOptionUnknownInput = "OCD1305";
    public const string UnboundDimension = "OCD1306";
    public const string ArithmeticOverflow = "OCD1307";
    public const string TensorTooLarge = "OCD1308";
    public const string GeneratedInputTooLarge = "OCD1309";
    public const string EmptyInput = "OCD1310";

    // Command line and outputs.
    public const string UsageError = "OCD1401";
    public const string OutputWriteFailed = "OCD1402";
    public const string UnknownSample = "OCD1403";
    /// <summary>An existing output folder the compiler did not write (no manifest) or that holds entries its manifest does not list.</summary>
    public const string OutputFolderNotOurs = "OCD1404";
    /// <summary>The output folder is an input file, or holds one (the model, its external data, a profile file).</summary>
    public const string OutputHoldsInput = "OCD1405";
    /// <summary>The output path is empty, or a folder output names a file, FIFO, device, socket or symbolic link.</summary>
    public const string OutputPathInvalid = "OCD1406";
    /// <summary>A file output names a symbolic link, socket or folder: refused, never replaced.</summary>
    public const string OutputSpecialFile = "OCD1407";
    /// <summary>A file output names a FIFO that no process is reading.</summary>
    public const string OutputFifoNoReader = "OCD1408";
    /// <summary>An output folder's manifest lists a name the compiler never writes (an absolute path, '..', a nested entry before its folder, a duplicate).</summary>
    public const string OutputManifestMalformed = "OCD1409";

    // OCD15xx: verification data (inputs given to `verify`) and running models in ONNX Runtime.
    public const string DataFileNotFound = "OCD1501";
    public const string DataMalformed = "OCD1502";
    public const string DataTruncated = "OCD1503";
    public const string DataUnsupportedLayout = "OCD1504";
    public const string DataUnsupportedType = "OCD1505";
    public const string DataInputUnmatched = "OCD1506";
    public const string DataShapeMismatch = "OCD1507";
    public const string VerifyInputsDiffer = "OCD1508";
    public const string RuntimeFailed = "OCD1509";
    public const string DataFileNotRegular = "OCD1510";
    public const string DataFileTooLarge = "OCD1511";
    public const string RuntimeModelTooLarge = "OCD1512";

    // OCD152x-153x: data sets (--calibration, --validation, --labels, --preprocess): .npy, IDX, onnx test-data
    // folders, image folders. A missing path is OCD1501 like any data file.
    /// <summary>Not a data set the tool reads (no .npy/IDX magic), or it ends before the samples its header promises.</summary>
    public const string DataSetUnreadable = "OCD1520";
    /// <summary>A sample's shape does not fit the model input (names the shape found and the shape expected).</summary>
    public const string DataSetShapeMismatch = "OCD1521";
    /// <summary>A dtype a data set cannot have (float32 or uint8 samples, uint8 IDX).</summary>
    public const string DataSetTypeUnsupported = "OCD1522";
    /// <summary>The labels file holds a different number of ids than the data set has samples.</summary>
    public const string LabelsCountMismatch = "OCD1523";
    /// <summary>The labels file is not a 1-D array of integers that fit an int.</summary>
    public const string LabelsNotIntegers = "OCD1524";
    /// <summary>A class id below zero.</summary>
    public const string LabelsNegative = "OCD1525";
    /// <summary>An image in an image folder that does not decode.</summary>
    public const string ImageUndecodable = "OCD1526";
    /// <summary>--preprocess does not parse.</summary>
    public const string PreprocessSyntax = "OCD1527";
    /// <summary>A data set with no samples.</summary>
    public const string DataSetEmpty = "OCD1528";
    /// <summary>A folder that is neither in onnx's test-data layout nor a folder of images.</summary>
    public const string DataFolderUnrecognized = "OCD1529";
    /// <summary>A single-tensor data set (.npy, IDX, images) given for a model with several inputs.</summary>
    public const string DataSetInputCount = "OCD1530";
    /// <summary>--preprocess that does not fit the data: mean/std counts against channels, crop larger than the image, resize on tensors.</summary>
    public const string PreprocessMismatch = "OCD1531";
    /// <summary>--input-format uint8 on a model it does not fit: the input is not float32 NCHW, mean/std counts against its channels (names the input).</summary>
    public const string PrependNormalizationUnsupported = "OCD1532";

    // OCD16xx: devices and links (--devices, --link, device profile files, build scripts).
    public const string UnknownDevice = "OCD1601";
    public const string DeviceProfileMalformed = "OCD1602";
    public const string LinkSpecMalformed = "OCD1603";
    public const string DeviceListMalformed = "OCD1604";
    public const string TrtexecNameUnsupported = "OCD1605";
    public const string DeviceChainTooLong = "OCD1606";
    public const string DeviceRepeated = "OCD1607";
    // OCD1630-1639: compile --shape-range NAME=MIN:OPT:MAX (TensorRT optimization profiles in build-engines.sh).
    /// <summary>--shape-range that does not parse as NAME=MIN:OPT:MAX with positive dims (1x3x224x224), or names an input twice.</summary>
    public const string ShapeRangeMalformed = "OCD1630";
    /// <summary>--shape-range names no input of the model.</summary>
    public const string ShapeRangeUnknownInput = "OCD1631";
    /// <summary>--shape-range for an input whose every dimension the model fixes (nothing to range over).</summary>
    public const string ShapeRangeStaticInput = "OCD1632";
    /// <summary>--shape-range with a rank other than the input's.</summary>
    public const string ShapeRangeRankMismatch = "OCD1633";
    /// <summary>--shape-range with MIN ≤ OPT ≤ MAX violated in some dimension.</summary>
    public const string ShapeRangeOrder = "OCD1634";
    /// <summary>--shape-range that gives a dimension the model fixes another size (in MIN, OPT or MAX).</summary>
    public const string ShapeRangeFixedDimension = "OCD1635";
    /// <summary>--shape-range whose OPT differs from the shape --shape binds the same input to (the plan is costed at OPT).</summary>
    public const string ShapeRangeConflict = "OCD1636";
    // OCD1610-1619: `devices import`, a device profile fitted to a trtexec per-layer profile.
    /// <summary>A trtexec --exportProfile file that is not its JSON shape ([{"count": N}, {"name", "timeMs", "averageMs", …}, …]).</summary>
    public const string TrtexecProfileMalformed = "OCD1610";
    /// <summary>A trtexec profile with no layer, no run or no time in it: nothing to fit.</summary>
    public const string TrtexecProfileEmpty = "OCD1611";
    /// <summary>No layer of the trtexec profile names a node of the part model given with --model.</summary>
    public const string TrtexecNoLayerMatched = "OCD1612";
    /// <summary>A trtexec --exportTimes file that is not its JSON shape (an array of runs, each with computeMs).</summary>
    public const string TrtexecTimesMalformed = "OCD1613";
    // OCD1620-1629: Triton model repositories (triton/DEVICE/MODEL/config.pbtxt).
    /// <summary>A part's input or output has an element type Triton's model configuration has no DataType for (complex, float8, int4, …).</summary>
    public const string TritonTypeUnsupported = "OCD1620";

    // Plans read back (simulate, measure, verify --plan).
    public const string PlanMalformed = "OCD1701";
    public const string PlanPartCount = "OCD1702";
    public const string PlanPartOrder = "OCD1703";
    public const string PlanValueInvalid = "OCD1704";

    // Evaluation and accuracy (evaluate, compile --accuracy measured with data).
    public const string EvaluationNoSamples = "OCD1850";
    public const string EvaluationNotClassifier = "OCD1851";
    public const string EvaluationLabelOutOfRange = "OCD1852";
    public const string EvaluationOutputMismatch = "OCD1853";
    public const string EvaluationNeedsReference = "OCD1854";
    public const string AccuracyBudgetUnmet = "OCD1855";
    public const string Int8NeedsCalibration = "OCD1856";
    /// <summary>--wire names a format a link's two devices do not both run (names the link, the devices and what they run).</summary>
    public const string WireUnsupported = "OCD1857";

    // Raised by the MSBuild task itself (it loads nothing of this library; listed here to keep codes unique).
    public const string TaskCompilerNotFound = "OCD1901";
    public const string TaskOutputFolderShared = "OCD1902";
    public const string TaskModelsFailed = "OCD1903";

    // Quantization and calibration (OCD1801..OCD1819): the quantize pass and the calibrator.
    /// <summary>The opset cannot be raised to the one per-channel QDQ needs: a node's operator changed meaning on the way (names node, op, opset).</summary>
    public const string QuantizeOpsetUnsupported = "OCD1801";
    /// <summary>A tensor the placement quantizes has no calibrated range.</summary>
    public const string QuantizeRangeMissing = "OCD1802";
    /// <summary>A calibrated range is negative or not finite.</summary>
    public const string QuantizeRangeInvalid = "OCD1803";
    /// <summary>The calibration data gave no sample the model could run on.</summary>
    public const string CalibrationNoData = "OCD1804";
    /// <summary>A tensor to calibrate is not in the model (no node, no runtime input produces it).</summary>
    public const string CalibrationTensorMissing = "OCD1805";
    /// <summary>A tensor to calibrate is not float32.</summary>
    public const string CalibrationTensorType = "OCD1806";
    /// <summary>A calibration batch lacks one of the model's inputs.</summary>
    public const string CalibrationInputMissing = "OCD1807";
    /// <summary>A calibration batch's tensor does not fit the input's declared type or shape.</summary>
    public const string CalibrationDataShape = "OCD1808";
    /// <summary>A calibrated tensor holds NaN or an infinity.</summary>
    public const string CalibrationNonFinite = "OCD1809";
    /// <summary>--calibration-method names no method.</summary>
    public const string CalibrationMethodUnknown = "OCD1810";
    /// <summary>A calibration setting is out of range (percentile, batch size, sample limit).</summary>
    public const string CalibrationSettingInvalid = "OCD1811";

    // Wire formats at the cuts (OCD1820..OCD1829): src/Passes/Wire.
    /// <summary>A tensor listed for an fp16/int8 wire is not float32, or its wire name is already taken in the part.</summary>
    public const string WireTensorUnsupported = "OCD1820";
}

/// <summary>Warning codes: reported, never fatal.</summary>
public static class WarningCodes
{
    public const string SymbolicDimensionDefaulted = "OCW2001";
    public const string UnknownOperator = "OCW2002";
    public const string ShapeFromValueInfo = "OCW2003";
    public const string PrecisionUnsupported = "OCW2004";
}
