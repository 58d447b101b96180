namespace SharedMigrations.Core.Parsing;

/// <summary>Maps character offsets of a text to 1-based line numbers.</summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string text)
    {
        Text = text;
        var starts = new List<int>(64) { 0 };
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            starts.Add(i + 1);
        }

        _lineStarts = starts.ToArray();
    }

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    public int LineOf(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, Math.Clamp(offset, 0, Math.Max(0, Text.Length)));
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    public int StartOfLine(int line) => _lineStarts[line - 1];
}
