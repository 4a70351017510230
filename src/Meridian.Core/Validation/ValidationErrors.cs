namespace Meridian.Validation;

/// <summary>Collects every problem of one request so a caller learns all of them at once, then throws if any.</summary>
public sealed class ValidationErrors
{
    private Dictionary<string, List<string>>? _errors;

    public bool IsEmpty => _errors is null;

    /// <summary>Every message collected, field by field.</summary>
    public IEnumerable<string> Messages => _errors?.Values.SelectMany(v => v) ?? [];

    public void Add(string field, string message)
    {
        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void ThrowIfAny()
    {
        if (_errors is not null)
        {
            throw new InvalidInputException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
