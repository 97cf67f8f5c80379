/** The SSE frames of a streamed response body, one array per read (a frame is the text between blank lines). */
export async function* sseFrames(res: Response): AsyncGenerator<ReadonlyArray<string>> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    const frames = buffer.split("\n\n")
    buffer = frames.pop() ?? ""
    yield frames
  }
}
