using System.Globalization;
using System.Text;

namespace OnnxCoDesign.Tests.Triton;

/// <summary>A scalar value as written: its text (a string literal unquoted and unescaped) and whether it was a quoted string.</summary>
public sealed record TextScalar(string Text, bool Quoted);

/// <summary>
/// A protobuf text-format message as read back by the tests, independently of the writer: each field name maps to its
/// values in order, a value being a scalar (string literal unquoted, number or enum identifier as text) or a nested
/// message. Reads the grammar config.pbtxt uses: <c>name: value</c>, <c>name { … }</c>, <c>name [ v, v ]</c> and
/// <c>name [ { … }, { … } ]</c>, with # comments. Anything else throws FormatException.
/// </summary>
public sealed class TextProto
{
    public Dictionary<string, List<object>> Fields { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<object> All(string field) => Fields.TryGetValue(field, out var v) ? v : [];

    public string Scalar(string field) => ((TextScalar)Fields[field].Single()).Text;

    public TextScalar Value(string field) => (TextScalar)Fields[field].Single();

    public IReadOnlyList<TextProto> Messages(string field) => All(field).Cast<TextProto>().ToList();

    public IReadOnlyList<long> Longs(string field) => All(field).Select(v => long.Parse(((TextScalar)v).Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToList();

    public static TextProto Parse(string text)
    {
        var tokens = Tokens(text);
        var at = 0;
        var message = ReadMessage(tokens, ref at, top: true);
        return message;
    }

    private static TextProto ReadMessage(List<(string Text, bool Quoted)> tokens, ref int at, bool top)
    {
        var m = new TextProto();
        while (at < tokens.Count)
        {
            if (!top && tokens[at] is ("}", false)) return m;
            var name = tokens[at++];
            if (name.Quoted || !IsIdentifier(name.Text)) throw new FormatException($"expected a field name at '{name.Text}'");
            if (!m.Fields.TryGetValue(name.Text, out var values)) m.Fields[name.Text] = values = [];
            var colon = Peek(tokens, at) is (":", false);
            if (colon) at++;
            switch (Peek(tokens, at))
            {
                case ("{", false):
                    values.Add(ReadBraced(tokens, ref at));
                    break;
                case ("[", false):
                    at++;
                    while (true)
                    {
                        values.Add(Peek(tokens, at) is ("{", false) ? ReadBraced(tokens, ref at) : (object)ReadScalar(tokens, ref at));
                        var next = Next(tokens, ref at);
                        if (next is ("]", false)) break;
                        if (next is not (",", false)) throw new FormatException($"expected , or ] at '{next.Text}'");
                    }
                    break;
                default:
                    if (!colon) throw new FormatException($"field '{name.Text}' has no ':' before its value");
                    values.Add(ReadScalar(tokens, ref at));
                    break;
            }
        }
        if (!top) throw new FormatException("a message is not closed");
        return m;
    }

    private static TextProto ReadBraced(List<(string Text, bool Quoted)> tokens, ref int at)
    {
        at++;
        var m = ReadMessage(tokens, ref at, top: false);
        if (Next(tokens, ref at) is not ("}", false)) throw new FormatException("expected }");
        return m;
    }

    private static TextScalar ReadScalar(List<(string Text, bool Quoted)> tokens, ref int at)
    {
        var t = Next(tokens, ref at);
        if (!t.Quoted && t.Text is "{" or "}" or "[" or "]" or ":" or ",") throw new FormatException($"expected a value at '{t.Text}'");
        return new TextScalar(t.Text, t.Quoted);
    }

    private static (string Text, bool Quoted) Peek(List<(string Text, bool Quoted)> tokens, int at) => at < tokens.Count ? tokens[at] : ("", true);

    private static (string Text, bool Quoted) Next(List<(string Text, bool Quoted)> tokens, ref int at) =>
        at < tokens.Count ? tokens[at++] : throw new FormatException("unexpected end of text");

    private static bool IsIdentifier(string s) => s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static List<(string Text, bool Quoted)> Tokens(string text)
    {
        var tokens = new List<(string, bool)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if ("{}[]:,".Contains(c)) { tokens.Add((c.ToString(), false)); i++; continue; }
            if (c == '"')
            {
                var bytes = new List<byte>();
                i++;
                while (text[i] != '"')
                {
                    if (text[i] == '\\')
                    {
                        var e = text[i + 1];
                        if (e is >= '0' and <= '7') { bytes.Add(Convert.ToByte(text.Substring(i + 1, 3), 8)); i += 4; continue; }
                        bytes.Add((byte)(e switch { 'n' => '\n', 't' => '\t', _ => e }));
                        i += 2;
                        continue;
                    }
                    bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                    i++;
                }
                i++;
                tokens.Add((Encoding.UTF8.GetString(bytes.ToArray()), true));
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.' or '+')) i++;
            if (i == start) throw new FormatException($"unexpected character '{c}'");
            tokens.Add((text[start..i], false));
        }
        return tokens;
    }
}
