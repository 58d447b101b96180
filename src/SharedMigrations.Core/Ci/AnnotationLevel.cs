using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedMigrations.Core.Ci;

/// <summary>How serious an annotation is.</summary>
public enum AnnotationLevel
{
    Error,
    Warning,
}
